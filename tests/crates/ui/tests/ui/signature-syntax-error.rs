#![allow(dead_code)]

use traced_async::traced_async;

#[traced_async]
async fn fetch(url: ) -> u32 {
    1
}

fn main() {}
