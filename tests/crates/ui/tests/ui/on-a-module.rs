use traced_async::traced_async;

#[traced_async]
mod client {
    pub async fn fetch() -> u32 {
        1
    }
}

fn main() {
    let _ = client::fetch();
}
