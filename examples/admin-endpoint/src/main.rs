//! An admin endpoint: a tokio service whose workers are traced, and which serves the
//! process-wide recorder's report over HTTP on loopback: `GET /report` as JSON (see `Report`'s
//! documentation for the fields), `GET /report.txt` as the text the summary prints.
//!
//! `cargo run -p admin-endpoint` (a port as its argument, else one the system chooses), then
//! `curl http://127.0.0.1:PORT/report`. Ctrl-C prints the summary and ends the service.

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::sync::mpsc;
use traced_async::traced_async;

/// One job: a short wait, as a call to another service would be.
#[traced_async]
async fn process(job: u64) {
    tokio::time::sleep(Duration::from_millis(job % 3)).await;
}

/// Takes jobs until the channel closes; waits at `jobs.recv()` in between.
#[traced_async]
async fn worker(mut jobs: mpsc::Receiver<u64>) -> u64 {
    let mut done = 0;
    while let Some(job) = jobs.recv().await {
        process(job).await;
        done += 1;
    }
    done
}

/// The admin requests.
#[traced_async]
async fn admin(request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let (status, kind, body) = match request.uri().path() {
        "/report" => {
            let json = serde_json::to_string(&traced_async::report()).unwrap_or_default();
            (StatusCode::OK, "application/json", json)
        }
        "/report.txt" => {
            let text = traced_async::report().to_string();
            (StatusCode::OK, "text/plain; charset=utf-8", text)
        }
        _ => (
            StatusCode::NOT_FOUND,
            "text/plain; charset=utf-8",
            "try /report or /report.txt\n".to_owned(),
        ),
    };
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    if let Ok(kind) = kind.parse() {
        response
            .headers_mut()
            .insert(hyper::header::CONTENT_TYPE, kind);
    }
    Ok(response)
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    // Traces everything unless TRACED_ASYNC says otherwise; the summary prints on Ctrl-C.
    let _guard = if std::env::var_os("TRACED_ASYNC").is_some() {
        traced_async::init()
    } else {
        traced_async::RecorderBuilder::new().init()
    };
    let port: u16 = std::env::args()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let address = listener.local_addr()?;

    // Four workers, 100 jobs between them; then they wait for more, which never come.
    let mut senders = Vec::new();
    for _ in 0..4 {
        let (tx, rx) = mpsc::channel(32);
        tokio::spawn(worker(rx));
        senders.push(tx);
    }
    for job in 0..100u64 {
        let tx = &senders[(job % 4) as usize];
        tx.send(job).await.expect("the worker runs");
    }

    println!("admin endpoint: http://{address}/report (JSON), /report.txt (text); Ctrl-C stops");
    loop {
        let (stream, _) = listener.accept().await?;
        tokio::spawn(async move {
            let connection = hyper::server::conn::http1::Builder::new();
            let service = service_fn(admin);
            // A client that goes away mid-request is its own problem, not the service's.
            let _ = connection
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}
