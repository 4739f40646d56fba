use traced_async::traced_async;

struct Client;

#[traced_async]
impl Client {
    async fn fetch(&self) -> u32 {
        1
    }
}

fn main() {
    let _ = Client.fetch();
}
