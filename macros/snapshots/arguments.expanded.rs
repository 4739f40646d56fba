// #[traced_async(name = "load" , timing = false , crate = :: my_framework :: tracing)]
// async fn load (mut a : u32 , (b , c) : (u32 , u32) , _ : Token , _unused : u32) -> u32 { a += ready (b) . await ; a + c }
//
// expands to:

async fn load(a: u32, (b, c): (u32, u32), __arg2: Token, _unused: u32) -> u32 {
    static __TRACED_ASYNC_FN: ::my_framework::tracing::__private::FnMeta =
        ::my_framework::tracing::__private::FnMeta::new(
            "load",
            ::core::module_path!(),
            ::core::file!(),
            ::core::line!(),
            &[::my_framework::tracing::__private::AwaitMeta::new(
                0,
                "0",
                ::core::line!(),
                ::core::column!(),
                "ready(b)",
                ::my_framework::tracing::__private::AwaitKind::Await,
            )],
            false,
        );
    let __traced_async_body = ::my_framework::tracing::__private::traced::<u32, _, _>(
        || &__TRACED_ASYNC_FN,
        async move {
            #[allow(
                unreachable_code,
                clippy::diverging_sub_expression,
                clippy::empty_loop,
                clippy::let_unit_value,
                clippy::needless_return
            )]
            if false {
                let __traced_async_return: u32 = loop {};
                return __traced_async_return;
            }
            if ::my_framework::tracing::__private::fields::wanted() {
                #[allow(unused_imports)]
                use ::my_framework::tracing::__private::fields::{
                    DebugField as _, NotDebugField as _,
                };
                ::my_framework::tracing::__private::fields::note(
                    &__TRACED_ASYNC_FN,
                    &["a"],
                    |__traced_async_with| {
                        __traced_async_with(&[(&::my_framework::tracing::__private::fields::Arg(
                            &a,
                        ))
                            .__traced_async_field()]);
                    },
                );
            }
            let mut a = a;
            let b = b;
            let c = c;
            let __arg2 = __arg2;
            let _unused = _unused;
            {
                ::my_framework::tracing::__private::enter_await(0);
                a += ready(b).await;
                a + c
            }
        },
    );
    __traced_async_body.await
}
