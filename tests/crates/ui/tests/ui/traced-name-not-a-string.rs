use traced_async::traced;

fn main() {
    let name = "accept loop";
    let _ = traced!(name, async { 1 });
}
