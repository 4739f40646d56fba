//! The SVG seen in a real browser: headless Chromium (Debian package `chromium`, which
//! `.ci/run` installs when missing) renders the timeline of a real recording and takes a
//! screenshot; the PNG has the picture's size and is not blank.
//!
//! Without a browser the test fails, so CI cannot pass without running it; set
//! `TRACED_ASYNC_SKIP_BROWSER=1` to skip it on purpose on a machine without one.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/sequential.jsonl"
);

/// The `width` and `height` attributes of the SVG's root element.
fn size(svg: &str) -> (u32, u32) {
    let root = &svg[..svg.find('>').unwrap()];
    let attr = |name: &str| -> u32 {
        let at = root.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        root[at..at + root[at..].find('"').unwrap()]
            .parse()
            .unwrap()
    };
    (attr("width"), attr("height"))
}

#[test]
fn chromium_renders_the_svg() {
    if std::env::var_os("TRACED_ASYNC_SKIP_BROWSER").is_some() {
        eprintln!("skipped: TRACED_ASYNC_SKIP_BROWSER is set");
        return;
    }
    let browser = ["chromium", "chromium-browser"].into_iter().find(|b| {
        Command::new(b)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    });
    let Some(browser) = browser else {
        panic!(
            "no chromium: install it (`apt-get install -y chromium`; .ci/run does) or set \
             TRACED_ASYNC_SKIP_BROWSER=1 to skip this test on purpose"
        );
    };
    let dir = std::env::temp_dir().join(format!("traced-async-shot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (svg, png) = (dir.join("run.svg"), dir.join("run.png"));
    let status = Command::new(env!("CARGO_BIN_EXE_traced-async"))
        .args([
            Path::new("timeline"),
            Path::new(FIXTURE),
            Path::new("--svg"),
            &svg,
        ])
        .status()
        .unwrap();
    assert!(status.success());
    let (width, height) = size(&std::fs::read_to_string(&svg).unwrap());
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            &format!("--user-data-dir={}", dir.join("profile").display()),
            &format!("--screenshot={}", png.display()),
            &format!("--window-size={width},{height}"),
            &format!("file://{}", svg.display()),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&png).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    assert_eq!(
        (info.width, info.height),
        (width, height),
        "the screenshot's size"
    );
    let channels = info.color_type.samples();
    let pixels = &pixels[..info.buffer_size()];
    let mut colours = std::collections::BTreeSet::new();
    let mut inked = 0usize;
    for px in pixels.chunks(channels) {
        let rgb = (px[0], px[1], px[2]);
        colours.insert(rgb);
        if rgb.0 < 200 || rgb.1 < 200 || rgb.2 < 200 {
            inked += 1;
        }
    }
    let total = (width * height) as usize;
    // Text, bars in several colours, the axis: far from one flat colour.
    assert!(colours.len() > 20, "{} colours: blank?", colours.len());
    assert!(inked * 200 > total, "only {inked} of {total} pixels drawn");
    std::fs::remove_dir_all(&dir).unwrap();
}
