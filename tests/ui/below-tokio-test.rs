use traced_async::traced_async;

#[tokio::test]
#[traced_async]
async fn fetches() {}

fn main() {}
