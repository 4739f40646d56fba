use traced_async::traced;

fn main() {
    let _ = traced!();
    let _ = traced!("accept loop");
}
