use traced_async::traced_async;

#[traced_async(err)]
async fn fetch(url: &str) -> usize {
    url.len()
}

fn main() {
    let _ = fetch("a");
}
