//! traced-async under another name: as a renamed dependency, and re-exported from a module the
//! way a framework re-exports it. `crate = path` says where it is.

/// A framework's re-export of the runtime.
pub mod framework {
    pub use tracing_for_async as tracing_runtime;
}

use tracing_for_async::traced_async;

#[traced_async(crate = tracing_for_async)]
pub async fn renamed(a: u32) -> u32 {
    std::future::ready(a).await + 1
}

#[traced_async(crate = crate::framework::tracing_runtime, name = "reexported")]
pub async fn through_reexport(a: u32) -> u32 {
    std::future::ready(a).await * 2
}

#[traced_async(crate = "tracing_for_async")]
pub async fn string_form(a: u32) -> u32 {
    let (b, c) = futures_like_join(a).await;
    b + c
}

async fn futures_like_join(a: u32) -> (u32, u32) {
    (a, a)
}

#[cfg(test)]
mod tests {
    #[test]
    fn traced_through_any_path() {
        let (out, trace) = tracing_for_async::capture(async {
            (
                super::renamed(1).await,
                super::through_reexport(2).await,
                super::string_form(3).await,
            )
        });
        assert_eq!(out, (2, 4, 6));
        assert_eq!(trace.function("renamed").calls(), 1);
        assert_eq!(trace.function("reexported").calls(), 1);
        assert_eq!(trace.function("string_form").meta().awaits().len(), 1);
    }
}
