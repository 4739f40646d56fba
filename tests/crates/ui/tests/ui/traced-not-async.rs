use traced_async::traced;

fn main() {
    let not_async = 1;
    let _ = traced!(not_async);
}
