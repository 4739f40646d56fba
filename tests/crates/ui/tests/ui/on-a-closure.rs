use traced_async::traced_async;

fn main() {
    let fetch = #[traced_async]
    async || 1;
    let _ = fetch();
}
