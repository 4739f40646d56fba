//! The two divan benches of the overhead bench (`yield1000` per poll, `calls100k` per call),
//! with the same sample settings, over the variants a bench target lists.

/// Defines `yield1000` and `calls100k` over the listed variants, and `init_and_print_sizes`,
/// which sets each variant up, checks that it computes what the baseline does, and prints its
/// future sizes in the overhead bench's format (so benches/overhead_table.py reads them).
macro_rules! divan_benches {
    ($($variant:ident),* $(,)?) => {
        #[divan::bench(types = [$($variant),*], sample_count = 100)]
        fn yield1000<V: Variant>(bencher: divan::Bencher) {
            bencher
                .counter(divan::counter::ItemsCount::new($crate::drive::YIELDS + 1))
                .bench_local(|| $crate::drive::run_in::<V, _>(V::yield1000()));
        }

        #[divan::bench(types = [$($variant),*], sample_count = 30, sample_size = 1)]
        fn calls100k<V: Variant>(bencher: divan::Bencher) {
            bencher
                .counter(divan::counter::ItemsCount::new($crate::workload::CALLS))
                .bench_local(|| $crate::drive::run_in::<V, _>(V::calls100k()));
        }

        fn init_and_print_sizes() {
            use $crate::drive::{YIELDS, run, run_in};
            println!("future sizes in bytes (size_of_val):");
            println!("{:<22} {:>10} {:>6}", "variant", "yield1000", "leaf");
            $(
                $variant::init();
                assert_eq!(run_in::<$variant, _>($variant::yield1000()), YIELDS, stringify!($variant));
                assert_eq!(
                    run_in::<$variant, _>($variant::calls100k()),
                    run(Baseline::calls100k()),
                    stringify!($variant),
                );
                let [yields, leaf] = $variant::future_sizes();
                println!("{:<22} {yields:>10} {leaf:>6}", stringify!($variant));
            )*
            println!();
        }
    };
}
pub(crate) use divan_benches;
