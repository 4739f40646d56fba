// #[traced_async()]
// pub async fn fetch (url : & str) -> Result < String , Error > { let conn = connect (url) . await ?; conn . send ("GET") . await ; conn . body () . await }
//
// expands to:

pub async fn fetch(url: &str) -> Result<String, Error> {
    static __TRACED_ASYNC_FN: ::traced_async::__private::FnMeta =
        ::traced_async::__private::FnMeta::new(
            "fetch",
            ::core::module_path!(),
            ::core::file!(),
            ::core::line!(),
            &[
                ::traced_async::__private::AwaitMeta::new(
                    0,
                    "0",
                    ::core::line!(),
                    ::core::column!(),
                    "connect(url)",
                    ::traced_async::__private::AwaitKind::Await,
                ),
                ::traced_async::__private::AwaitMeta::new(
                    1,
                    "1",
                    ::core::line!(),
                    ::core::column!(),
                    "conn.send(\"GET\")",
                    ::traced_async::__private::AwaitKind::Await,
                ),
                ::traced_async::__private::AwaitMeta::new(
                    2,
                    "2",
                    ::core::line!(),
                    ::core::column!(),
                    "conn.body()",
                    ::traced_async::__private::AwaitKind::Await,
                ),
            ],
            true,
        );
    let __traced_async_body = ::traced_async::__private::traced::<Result<String, Error>, _, _>(
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
                let __traced_async_return: Result<String, Error> = loop {};
                return __traced_async_return;
            }
            if ::traced_async::__private::fields::wanted() {
                #[allow(unused_imports)]
                use ::traced_async::__private::fields::{DebugField as _, NotDebugField as _};
                ::traced_async::__private::fields::note(
                    &__TRACED_ASYNC_FN,
                    &["url"],
                    |__traced_async_with| {
                        __traced_async_with(&[
                            (&::traced_async::__private::fields::Arg(&url)).__traced_async_field()
                        ]);
                    },
                );
            }
            let url = url;
            {
                ::traced_async::__private::enter_await(0);
                let conn = connect(url).await?;
                ::traced_async::__private::enter_await(1);
                conn.send("GET").await;
                ::traced_async::__private::enter_await(2);
                conn.body().await
            }
        },
    );
    __traced_async_body.await
}
