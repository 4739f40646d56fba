use traced_async::traced;

fn main() {
    let _ = traced!("", async { 1 });
}
