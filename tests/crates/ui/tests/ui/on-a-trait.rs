use traced_async::traced_async;

#[traced_async]
trait Service {
    async fn call(&self) -> u32;
}

fn main() {}
