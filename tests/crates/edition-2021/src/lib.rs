//! The shared traced fns, compiled as edition 2021 code.

#[path = "../../shared/fns.rs"]
pub mod fns;

#[path = "../../shared/blocks.rs"]
pub mod blocks;

#[cfg(test)]
mod tests {
    #[test]
    fn behaves_as_in_every_edition() {
        super::fns::check();
        super::blocks::check();
    }
}
