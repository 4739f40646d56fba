use traced_async::traced_async;

trait Service {
    #[traced_async]
    async fn call(&self) -> u32;
}

struct Echo;

impl Service for Echo {
    async fn call(&self) -> u32 {
        1
    }
}

fn main() {
    let _ = Echo.call();
}
