//! The attribute never panics: thousands of generated and mutated token streams go through its
//! `proc_macro2` entry, and every one comes back as tokens (the item, with an error or
//! rewritten). A panic in a proc macro shows users "proc macro panicked" at the attribute,
//! which says nothing about their code; a user mid-typing feeds it every broken shape there is.

use std::panic::{AssertUnwindSafe, catch_unwind};

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};

use crate::expand;

/// Items as users write them, correct and not.
const SEEDS: &[&str] = &[
    "async fn f() {}",
    "pub(crate) async fn f(a: u32, (b, mut c): (u32, u32), _: u32, ref d: u32) -> u32 { a.await }",
    "async fn f<'a, T: Send>(x: &'a T) -> &'a T where T: Sync { g(x).await; x }",
    "async fn f() -> Result<u32, E> { let x = a().await?.b().await?; Ok(x) }",
    "async fn f() { futures::join!(a(), b()); tokio::try_join!(a(), b()).unwrap(); }",
    "async fn f() -> u32 { tokio::select! { biased; x = a(), if c => { x } _ = &mut b => 1, else => 2 } }",
    "async fn f() { futures::select! { x = a => (), y = b().fuse() => (), default => (), complete => () } }",
    "async fn f() { select! { x = a => x } select! { x = a() => x } select_biased! { x = a => x } }",
    "async fn f() { assert_eq!(a().await, 1); println!(\"{}\", b().await); vec![c().await; 2]; }",
    "async fn f() { my_macro!(a().await); other! { x.await } let v = matches!(a().await, Some(_)); }",
    "async fn f() { let c = || async { a().await }; async move { b().await }.await; fn g() {} }",
    "async fn f() -> impl Display { a().await }",
    "async fn f() -> ! { loop { a().await; } }",
    "async unsafe extern \"C\" fn f(self: Box<Self>) { self.a().await }",
    "#[doc = \"x\"] #[must_use] async fn f(&mut self) -> Self { Self::new().await }",
    "fn f() -> Pin<Box<dyn Future<Output = u32> + Send>> { Box::pin(async move { a().await }) }",
    "fn f() {}",
    "const fn f() {}",
    "struct S { a: u32 }",
    "impl S { async fn f(&self) {} }",
    "trait T { async fn f(&self); }",
    "async fn f(a: , ) -> {}",
    "async fn f() { let x = ; }",
    "async fn f() { a(). }",
    "async fn f() { x = a => }",
    "mod m {}",
    "",
];

/// Arguments as users write them, correct and not.
const ARGS: &[&str] = &[
    "",
    "name = \"x\"",
    "crate = ::a::b",
    "crate = \"a\"",
    "timing = false",
    "name = \"x\", timing = true, crate = a",
    "nmae = 1",
    "name",
    "name = \"\"",
    "\"x\"",
    "crate = 5",
    "timing = \"no\"",
    "name = \"a\", name = \"b\"",
    "= = =",
    "a::b(c)",
];

/// Tokens that mutations insert: the ones the attribute's parsers care about.
const POOL: &[&str] = &[
    ".await", "await", "async", "fn", "move", "=>", "=", ",", ";", "!", "|", "_", "?", "biased",
    "else", "if", "default", "complete", "select", "join", "tokio", "futures", "::", "self",
    "Self", "'a", "ref", "mut", "const", "\"s\"", "1", "{}", "()", "[]", "#[a]", "-> u32", "..",
];

/// A small deterministic generator (xorshift), so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        usize::try_from(self.0 % n.max(1) as u64).unwrap_or(0)
    }
}

fn tokens(source: &str) -> TokenStream {
    source
        .parse()
        .expect("seeds and pool entries are valid token streams")
}

/// One random edit, at the top level or inside a group.
fn mutate(stream: TokenStream, rng: &mut Rng, depth: usize) -> TokenStream {
    let mut trees: Vec<TokenTree> = stream.into_iter().collect();
    let at = rng.below(trees.len() + 1);
    match rng.below(7) {
        0 if !trees.is_empty() => {
            trees.remove(at.min(trees.len() - 1));
        }
        1 if !trees.is_empty() => {
            let tree = trees[at.min(trees.len() - 1)].clone();
            trees.insert(at.min(trees.len()), tree);
        }
        2 if trees.len() > 1 => {
            let other = rng.below(trees.len());
            let last = trees.len() - 1;
            trees.swap(at.min(last), other);
        }
        3 => trees.truncate(at),
        4 if depth < 4 => {
            let groups: Vec<usize> = (0..trees.len())
                .filter(|&i| matches!(trees[i], TokenTree::Group(_)))
                .collect();
            if let Some(&i) = groups.get(rng.below(groups.len()))
                && let TokenTree::Group(group) = &trees[i]
            {
                let inner = mutate(group.stream(), rng, depth + 1);
                let mut new = Group::new(group.delimiter(), inner);
                new.set_span(group.span());
                trees[i] = TokenTree::Group(new);
            }
        }
        5 if !trees.is_empty() => {
            let i = at.min(trees.len() - 1);
            let wrapped = Group::new(Delimiter::None, trees[i].clone().into());
            trees[i] = TokenTree::Group(wrapped);
        }
        _ => {
            let insert: Vec<TokenTree> = tokens(POOL[rng.below(POOL.len())]).into_iter().collect();
            let at = at.min(trees.len());
            trees.splice(at..at, insert);
        }
    }
    trees.into_iter().collect()
}

fn expand_without_panic(args: &TokenStream, item: &TokenStream) -> TokenStream {
    let run = AssertUnwindSafe(|| expand::traced_async(args.clone(), item.clone(), true));
    match catch_unwind(run) {
        Ok(out) => out,
        Err(_) => panic!("the attribute panicked on\n  args: {args}\n  item: {item}"),
    }
}

#[test]
fn every_seed_and_argument_list_comes_back_as_tokens() {
    for seed in SEEDS {
        for args in ARGS {
            let item = tokens(seed);
            let out = expand_without_panic(&tokens(args), &item);
            assert!(
                item.is_empty() || !out.is_empty(),
                "nothing came back for {seed}"
            );
        }
    }
}

#[test]
fn mutated_token_streams_never_panic() {
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let mut runs = 0;
    for seed in SEEDS {
        for _ in 0..400 {
            let mut item = tokens(seed);
            let mut args = tokens(ARGS[rng.below(ARGS.len())]);
            for _ in 0..=rng.below(4) {
                item = mutate(item, &mut rng, 0);
            }
            if rng.below(4) == 0 {
                args = mutate(args, &mut rng, 0);
            }
            let out = expand_without_panic(&args, &item);
            assert!(
                item.is_empty() || !out.is_empty(),
                "nothing came back for {item}"
            );
            runs += 1;
        }
    }
    assert_eq!(runs, SEEDS.len() * 400);
}

/// `traced!(..)` inputs as users write them, correct and not.
const BLOCK_SEEDS: &[&str] = &[
    "async move { a().await }",
    "\"accept loop\", async { let x = a().await?; Ok(x) }",
    "\"t\", timing = false, crate = ::a, async move { futures::join!(a(), b()); }",
    "async |x: u32| x + a().await",
    "async move |x| -> u32 { return b(x).await; }",
    "|x| async move { a(x).await }",
    "|x| { let y = x; async move { y.await } }",
    "|x| x * 2",
    "name, async {}",
    "\"\", async {}",
    "colour = 1, async {}",
    "\"x\"",
    "not_async",
    "",
];

/// `traced!` on `input`, with the `off` feature or not; every fourth round also bridged.
fn block_without_panic(input: &TokenStream, off: bool, bridged: bool) -> TokenStream {
    let run = AssertUnwindSafe(|| crate::block::traced(input.clone(), off, bridged));
    match catch_unwind(run) {
        Ok(out) => out,
        Err(_) => panic!("traced! panicked on {input}"),
    }
}

#[test]
fn mutated_block_inputs_never_panic() {
    let mut rng = Rng(0x5eed_1234_abcd_0002);
    for seed in BLOCK_SEEDS {
        for round in 0..400 {
            let mut input = tokens(seed);
            if round > 0 {
                for _ in 0..=rng.below(4) {
                    input = mutate(input, &mut rng, 0);
                }
            }
            let out = block_without_panic(&input, round % 2 == 1, round % 4 == 2);
            assert!(
                input.is_empty() || !out.is_empty(),
                "nothing came back for {input}"
            );
        }
    }
}
