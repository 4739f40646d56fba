//! Expansion snapshots: what the attribute generates for representative fns, formatted by
//! rustfmt, compared with macros/snapshots/<case>.expanded.rs. A change to the generated code
//! shows as a diff there. After a deliberate change, re-bless with
//! `SNAPSHOTS=overwrite cargo test -p traced-async-macros snapshots` and review the diff.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use proc_macro2::TokenStream;

use crate::expand;

/// (case name, attribute arguments, item); a name ending in `_bridged` is expanded with the
/// `tracing` bridge (the `tracing` feature).
const CASES: &[(&str, &str, &str)] = &[
    (
        "method_bridged",
        "level = \"debug\", fields(id = %req.id, empty), skip(body), err",
        "async fn handle(&self, req: Request, body: Body, _: Token) -> Result<u32, Error> {
            let n = self.read(&req).await?;
            Ok(n + body.len())
        }",
    ),
    (
        "without_await",
        "",
        "pub async fn worker(id: u32) -> JoinHandle<u32> {
            println!(\"spawning {id}\");
            spawn(id)
        }",
    ),
    (
        "sequential",
        "",
        "pub async fn fetch(url: &str) -> Result<String, Error> {
            let conn = connect(url).await?;
            conn.send(\"GET\").await;
            conn.body().await
        }",
    ),
    (
        "arguments",
        "name = \"load\", timing = false, crate = ::my_framework::tracing",
        "async fn load(mut a: u32, (b, c): (u32, u32), _: Token, _unused: u32) -> u32 {
            a += ready(b).await;
            a + c
        }",
    ),
    (
        "branches",
        "",
        "async fn race(mut rx: Receiver) -> u32 {
            let (a, b) = tokio::join!(one(), two());
            tokio::select! {
                biased;
                v = rx.recv(), if a > 0 => v.unwrap_or(b),
                _ = sleep(TIMEOUT) => { log(\"late\").await; 0 }
            }
        }",
    ),
    (
        "macros",
        "",
        "async fn check() {
            assert_eq!(value().await, 1, \"value\");
            let line = format!(\"{} {}\", a().await, b().await);
            my_macro!(c().await);
            let nested = async { d().await };
            nested.await;
        }",
    ),
    (
        "async_trait_method",
        "",
        "fn get<'a>(&'a self) -> Pin<Box<dyn Future<Output = u32> + Send + 'a>> {
            Box::pin(async move {
                let __self = self;
                let __ret: u32 = { fetch(__self.id).await };
                __ret
            })
        }",
    ),
    ("not_async", "", "fn plain() -> u32 { 1 }"),
    ("unknown_argument", "colour = \"red\"", "async fn f() {}"),
];

fn rustfmt(source: &str) -> String {
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("rustfmt is installed (rust-toolchain.toml asks for it)");
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(source.as_bytes())
        .expect("write to rustfmt");
    let out = child.wait_with_output().expect("rustfmt runs");
    assert!(out.status.success(), "rustfmt failed on:\n{source}");
    String::from_utf8(out.stdout).expect("rustfmt writes UTF-8")
}

#[test]
fn expansions_match_their_snapshots() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("snapshots");
    let overwrite = std::env::var_os("SNAPSHOTS").is_some_and(|v| v == "overwrite");
    let mut changed = Vec::new();
    for (name, args, item) in CASES {
        let args: TokenStream = args.parse().expect("valid arguments");
        let item: TokenStream = item.parse().expect("valid item");
        let expanded = rustfmt(
            &expand::traced_async(args.clone(), item.clone(), name.ends_with("_bridged"))
                .to_string(),
        );
        let snapshot = format!(
            "// #[traced_async({args})]\n// {item}\n//\n// expands to:\n\n{expanded}",
            item = item.to_string().replace('\n', " ")
        );
        let path = dir.join(format!("{name}.expanded.rs"));
        let old = std::fs::read_to_string(&path).unwrap_or_default();
        if old != snapshot {
            if overwrite {
                std::fs::create_dir_all(&dir).expect("create snapshots/");
                std::fs::write(&path, &snapshot).expect("write snapshot");
            } else {
                changed.push(format!("{}:\n{snapshot}", path.display()));
            }
        }
    }
    assert!(
        changed.is_empty(),
        "expansions changed (SNAPSHOTS=overwrite to bless):\n{}",
        changed.join("\n")
    );
}
