use traced_async::traced_async;

#[tokio::main(flavor = "current_thread")]
#[traced_async]
async fn main() {}
