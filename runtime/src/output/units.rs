//! The output's vocabulary: durations, clock readings, plurals.

/// `850ns`, `12.3µs`, `4.10ms`, `1.20s`.
pub(crate) fn human_nanos(nanos: u64) -> String {
    // Display only: the precision lost converting to f64 is far below what is shown.
    #[allow(clippy::cast_precision_loss)]
    let n = nanos as f64;
    match nanos {
        0..1_000 => format!("{nanos}ns"),
        1_000..1_000_000 => format!("{:.1}µs", n / 1e3),
        1_000_000..1_000_000_000 => format!("{:.2}ms", n / 1e6),
        _ => format!("{:.2}s", n / 1e9),
    }
}

/// A duration, saturating at `u64::MAX` nanoseconds, as [`human_nanos`] shows it.
pub(crate) fn human_duration(duration: std::time::Duration) -> String {
    human_nanos(duration.as_nanos().try_into().unwrap_or(u64::MAX))
}

/// `0s`, `10.00ms`: a reading of a run's clock, shown in front of each line.
pub(crate) fn clock_time(nanos: u64) -> String {
    if nanos == 0 {
        "0s".to_owned()
    } else {
        human_nanos(nanos)
    }
}

/// The `s` of `2 polls`, nothing for `1 poll`.
pub(crate) fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units() {
        assert_eq!(human_nanos(850), "850ns");
        assert_eq!(human_nanos(12_340), "12.3µs");
        assert_eq!(human_nanos(4_100_000), "4.10ms");
        assert_eq!(human_nanos(1_200_000_000), "1.20s");
        assert_eq!(clock_time(0), "0s");
        assert_eq!((plural(1), plural(2), plural(0)), ("", "s", "s"));
    }
}
