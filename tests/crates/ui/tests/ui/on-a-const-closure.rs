use traced_async::traced_async;

#[traced_async]
const DOUBLE: fn(u32) -> u32 = |x| x * 2;

fn main() {
    let _ = DOUBLE(1);
}
