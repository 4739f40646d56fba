// #[traced_async()]
// async fn race (mut rx : Receiver) -> u32 { let (a , b) = tokio :: join ! (one () , two ()) ; tokio :: select ! { biased ; v = rx . recv () , if a > 0 => v . unwrap_or (b) , _ = sleep (TIMEOUT) => { log ("late") . await ; 0 } } }
//
// expands to:

async fn race(rx: Receiver) -> u32 {
    static __TRACED_ASYNC_FN: ::traced_async::__private::FnMeta =
        ::traced_async::__private::FnMeta::new(
            "race",
            ::core::module_path!(),
            ::core::file!(),
            ::core::line!(),
            &[
                ::traced_async::__private::AwaitMeta::new(
                    0,
                    "0",
                    ::core::line!(),
                    ::core::column!(),
                    "tokio::join!(one(), two())",
                    ::traced_async::__private::AwaitKind::Macro,
                ),
                ::traced_async::__private::AwaitMeta::new(
                    1,
                    "0.0",
                    ::core::line!(),
                    ::core::column!(),
                    "one()",
                    ::traced_async::__private::AwaitKind::Branch,
                ),
                ::traced_async::__private::AwaitMeta::new(
                    2,
                    "0.1",
                    ::core::line!(),
                    ::core::column!(),
                    "two()",
                    ::traced_async::__private::AwaitKind::Branch,
                ),
                ::traced_async::__private::AwaitMeta::new(
                    3,
                    "1",
                    ::core::line!(),
                    ::core::column!(),
                    "tokio::select! { biased; v = rx.recv(), if a > 0 => v.unwrap_or(b), _ = sleep(TIMEOUT) => { log(\"late\").await; 0 } }",
                    ::traced_async::__private::AwaitKind::Macro,
                ),
                ::traced_async::__private::AwaitMeta::new(
                    4,
                    "1.0",
                    ::core::line!(),
                    ::core::column!(),
                    "rx.recv()",
                    ::traced_async::__private::AwaitKind::Branch,
                ),
                ::traced_async::__private::AwaitMeta::new(
                    5,
                    "1.1",
                    ::core::line!(),
                    ::core::column!(),
                    "sleep(TIMEOUT)",
                    ::traced_async::__private::AwaitKind::Branch,
                ),
                ::traced_async::__private::AwaitMeta::new(
                    6,
                    "2",
                    ::core::line!(),
                    ::core::column!(),
                    "log(\"late\")",
                    ::traced_async::__private::AwaitKind::Await,
                ),
            ],
            true,
        );
    let __traced_async_body = ::traced_async::__private::traced::<u32, _, _>(
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
            if ::traced_async::__private::fields::wanted() {
                #[allow(unused_imports)]
                use ::traced_async::__private::fields::{DebugField as _, NotDebugField as _};
                ::traced_async::__private::fields::note(
                    &__TRACED_ASYNC_FN,
                    &["rx"],
                    |__traced_async_with| {
                        __traced_async_with(&[
                            (&::traced_async::__private::fields::Arg(&rx)).__traced_async_field()
                        ]);
                    },
                );
            }
            let mut rx = rx;
            {
                let (a, b) = {
                    ::traced_async::__private::enter_await(0);
                    tokio::join!(
                        ::traced_async::__private::AwaitPoint::<_, 1>::new(one()),
                        ::traced_async::__private::AwaitPoint::<_, 2>::new(two())
                    )
                };
                ::traced_async::__private::enter_await(3);
                tokio::select! { biased ; v = :: traced_async :: __private :: AwaitPoint :: < _ , 4 > :: new (rx . recv ()) , if a > 0 => v . unwrap_or (b) , _ = :: traced_async :: __private :: AwaitPoint :: < _ , 5 > :: new (sleep (TIMEOUT)) => { :: traced_async :: __private :: enter_await (6) ; log ("late") . await ; 0 } }
            }
        },
    );
    __traced_async_body.await
}
