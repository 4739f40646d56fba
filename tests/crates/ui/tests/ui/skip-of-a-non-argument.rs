use traced_async::traced_async;

#[traced_async(skip(body))]
async fn fetch(url: &str) -> usize {
    url.len()
}

fn main() {
    let _ = fetch("a");
}
