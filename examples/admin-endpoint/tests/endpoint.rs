//! The admin endpoint, as an operator uses it: the service started on a port the system
//! chooses (read from its first line), `GET /report` fetched over loopback and parsed as JSON
//! until its four workers wait, `/report.txt` as text, an unknown path a 404; then Ctrl-C
//! (SIGINT) prints the summary and ends the service by that signal.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// `GET path` with a plain HTTP/1.1 request: the status code and the body.
fn get(address: &str, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(address).expect("the endpoint accepts");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").expect("a head and a body");
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status");
    (status, body.to_owned())
}

#[test]
fn the_report_is_served_as_json_on_loopback() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_admin-endpoint"))
        .arg("0")
        .env_remove("TRACED_ASYNC")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // "admin endpoint: http://127.0.0.1:PORT/report ...": the port the system chose.
    let address = first
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("no address in {first:?}"))
        .to_owned();
    assert!(address.starts_with("127.0.0.1:"), "{first}");

    // The workers finish their 100 jobs, then wait: the report says so.
    let deadline = Instant::now() + Duration::from_secs(30);
    let report = loop {
        let (status, body) = get(&address, "/report");
        assert_eq!(status, 200, "{body}");
        let report: serde_json::Value = serde_json::from_str(&body).expect("JSON");
        let worker = report["functions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["fn"] == "worker")
            .cloned();
        if worker
            .as_ref()
            .is_some_and(|w| w["awaits"][0]["waiting"] == 4)
        {
            break report;
        }
        assert!(
            Instant::now() < deadline,
            "the workers never all waited: {body}"
        );
        std::thread::sleep(Duration::from_millis(10));
    };
    let functions = report["functions"].as_array().unwrap();
    let process = functions.iter().find(|f| f["fn"] == "process").unwrap();
    assert_eq!(
        (&process["calls"], &process["returned"]),
        (&100.into(), &100.into())
    );
    assert!(
        process["busy_ns"].as_u64().is_some_and(|ns| ns > 0),
        "{process}"
    );
    let worker = functions.iter().find(|f| f["fn"] == "worker").unwrap();
    assert_eq!(
        (&worker["calls"], &worker["in_flight"]),
        (&4.into(), &4.into())
    );
    assert_eq!(worker["awaits"][0]["expr"], "jobs.recv()");
    assert_eq!(
        (&report["lost"], &report["timeline_lost"]),
        (&0.into(), &0.into())
    );

    let (status, text) = get(&address, "/report.txt");
    assert_eq!(status, 200);
    assert!(
        text.contains("── where is everyone? ──\nworker  4 in flight\n"),
        "{text}"
    );
    assert_eq!(get(&address, "/nowhere").0, 404);

    // Ctrl-C: the summary, then the end the signal gives. Started from a shell's background
    // job, this test and the service ignore SIGINT (and the recorder leaves it ignored): then
    // SIGTERM, which takes the same path.
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        let (name, number) = if ignores_sigint() {
            ("-TERM", 15)
        } else {
            ("-INT", 2)
        };
        let sent = Command::new("kill")
            .args([name, &child.id().to_string()])
            .status();
        assert!(sent.unwrap().success());
        let deadline = Instant::now() + Duration::from_secs(30);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                child.kill().unwrap();
                panic!("the service did not end on {name}");
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        assert_eq!(status.signal(), Some(number), "{status:?}\n{stderr}");
        // 100 calls; their polls are not counted here: a `sleep` of 0 ms (job % 3 == 0) may be
        // ready at its first poll or not, as tokio's clock has ticked or not.
        assert!(
            stderr.contains("── summary ──") && stderr.contains("process  100 calls, "),
            "{stderr}"
        );
        assert!(stderr.contains("admin    "), "{stderr}");
    }
    #[cfg(not(unix))]
    child.kill().unwrap();
}

/// Whether this process ignores SIGINT (Linux's `/proc` says; elsewhere taken as not).
#[cfg(unix)]
fn ignores_sigint() -> bool {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("SigIgn:"))
        .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
        .is_some_and(|mask| mask & (1 << (2 - 1)) != 0)
}
