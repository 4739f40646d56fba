use traced_async::traced;

fn main() {
    let _ = traced!("tick", timeing = false, async { 1 });
}
