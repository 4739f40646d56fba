// #[traced_async()]
// async fn check () { assert_eq ! (value () . await , 1 , "value") ; let line = format ! ("{} {}" , a () . await , b () . await) ; my_macro ! (c () . await) ; let nested = async { d () . await } ; nested . await ; }
//
// expands to:

async fn check() {
    static __TRACED_ASYNC_FN: ::traced_async::__private::FnMeta =
        ::traced_async::__private::FnMeta::new(
            "check",
            ::core::module_path!(),
            ::core::file!(),
            ::core::line!(),
            &[
                ::traced_async::__private::AwaitMeta::new(
                    0,
                    "0",
                    ::core::line!(),
                    ::core::column!(),
                    "value()",
                    ::traced_async::__private::AwaitKind::Await,
                ),
                ::traced_async::__private::AwaitMeta::new(
                    1,
                    "1",
                    ::core::line!(),
                    ::core::column!(),
                    "a()",
                    ::traced_async::__private::AwaitKind::Await,
                ),
                ::traced_async::__private::AwaitMeta::new(
                    2,
                    "2",
                    ::core::line!(),
                    ::core::column!(),
                    "b()",
                    ::traced_async::__private::AwaitKind::Await,
                ),
                ::traced_async::__private::AwaitMeta::new(
                    3,
                    "3",
                    ::core::line!(),
                    ::core::column!(),
                    "my_macro!(c().await)",
                    ::traced_async::__private::AwaitKind::Macro,
                ),
                ::traced_async::__private::AwaitMeta::new(
                    4,
                    "4",
                    ::core::line!(),
                    ::core::column!(),
                    "nested",
                    ::traced_async::__private::AwaitKind::Await,
                ),
            ],
            true,
        );
    let __traced_async_body =
        ::traced_async::__private::traced::<(), _, _>(|| &__TRACED_ASYNC_FN, async move {
            #[allow(
                unreachable_code,
                clippy::diverging_sub_expression,
                clippy::empty_loop,
                clippy::let_unit_value,
                clippy::needless_return
            )]
            if false {
                let __traced_async_return: () = loop {};
                return __traced_async_return;
            }
            {
                assert_eq!(
                    ::traced_async::__private::AwaitPoint::<_, 0>::new(value()).await,
                    1,
                    "value"
                );
                let line = format!(
                    "{} {}",
                    ::traced_async::__private::AwaitPoint::<_, 1>::new(a()).await,
                    ::traced_async::__private::AwaitPoint::<_, 2>::new(b()).await
                );
                ::traced_async::__private::enter_await(3);
                my_macro!(c().await);
                let nested = async { d().await };
                ::traced_async::__private::enter_await(4);
                nested.await;
            }
        });
    __traced_async_body.await
}
