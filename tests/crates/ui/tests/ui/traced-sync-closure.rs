use traced_async::traced;

fn main() {
    let double = traced!(|x: u32| x * 2);
    let _ = double(1);
}
