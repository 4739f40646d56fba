use traced_async::traced_async;

#[traced_async]
async fn first() -> u32 {
    futures::select! {
        x = std::future::ready(1) => x,
    }
}

fn main() {
    let _ = first();
}
