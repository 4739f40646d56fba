// #[traced_async(level = "debug" , fields (id = % req . id , empty) , skip (body) , err)]
// async fn handle (& self , req : Request , body : Body , _ : Token) -> Result < u32 , Error > { let n = self . read (& req) . await ?; Ok (n + body . len ()) }
//
// expands to:

async fn handle(&self, req: Request, body: Body, __arg3: Token) -> Result<u32, Error> {
    static __TRACED_ASYNC_FN: ::traced_async::__private::FnMeta =
        ::traced_async::__private::FnMeta::new(
            "handle",
            ::core::module_path!(),
            ::core::file!(),
            ::core::line!(),
            &[::traced_async::__private::AwaitMeta::new(
                0,
                "0",
                ::core::line!(),
                ::core::column!(),
                "self.read(&req)",
                ::traced_async::__private::AwaitKind::Await,
            )],
            true,
        );
    static __TRACED_ASYNC_SPAN: ::traced_async::__private::bridge::SpanSite =
        ::traced_async::__private::bridge::SpanSite::new(
            &__TRACED_ASYNC_FN,
            ::traced_async::__private::tracing::Level::DEBUG,
            &[
                "code.filepath",
                "code.lineno",
                "code.namespace",
                "otel.status_code",
                "id",
                "empty",
                "self",
                "req",
            ],
        );
    ::traced_async::__private::note_owner(&__TRACED_ASYNC_FN, ::core::any::type_name::<Self>);
    let __traced_async_body = ::traced_async::__private::traced::<Result<u32, Error>, _, _>(
        || &__TRACED_ASYNC_FN,
        ::traced_async::__private::bridge::Output::new(
            async move {
                #[allow(
                    unreachable_code,
                    clippy::diverging_sub_expression,
                    clippy::empty_loop,
                    clippy::let_unit_value,
                    clippy::needless_return
                )]
                if false {
                    let __traced_async_return: Result<u32, Error> = loop {};
                    return __traced_async_return;
                }
                if ::traced_async::__private::fields::wanted() {
                    #[allow(unused_imports)]
                    use ::traced_async::__private::fields::{DebugField as _, NotDebugField as _};
                    ::traced_async::__private::fields::note(
                        &__TRACED_ASYNC_FN,
                        &["id", "self", "req"],
                        |__traced_async_with| {
                            __traced_async_with(&[
                                ::core::option::Option::Some(
                                    &::traced_async::__private::fields::Shown(&req.id)
                                        as &dyn ::core::fmt::Debug,
                                ),
                                (&::traced_async::__private::fields::Arg(&self))
                                    .__traced_async_field(),
                                (&::traced_async::__private::fields::Arg(&req))
                                    .__traced_async_field(),
                            ]);
                        },
                    );
                }
                let req = req;
                let body = body;
                let __arg3 = __arg3;
                ::traced_async::__private::bridge::SpanSite::open(
                    &__TRACED_ASYNC_SPAN,
                    ::core::option::Option::Some(::core::any::type_name::<Self>),
                    |__traced_async_site| {
                        #[allow(unused_imports)]
                        use ::traced_async::__private::bridge::{DebugArg as _, NotDebug as _};
                        __traced_async_site.span(&[
                            ::core::option::Option::Some(
                                &::core::file!() as &dyn ::traced_async::__private::tracing::Value
                            ),
                            ::core::option::Option::Some(
                                &<::core::primitive::i64 as ::core::convert::From<
                                    ::core::primitive::u32,
                                >>::from(::core::line!())
                                    as &dyn ::traced_async::__private::tracing::Value,
                            ),
                            ::core::option::Option::Some(&::core::module_path!()
                                as &dyn ::traced_async::__private::tracing::Value),
                            ::core::option::Option::None,
                            ::core::option::Option::Some(
                                &::traced_async::__private::tracing::field::display(&req.id)
                                    as &dyn ::traced_async::__private::tracing::Value,
                            ),
                            ::core::option::Option::Some(
                                &::traced_async::__private::tracing::field::Empty
                                    as &dyn ::traced_async::__private::tracing::Value,
                            ),
                            ::core::option::Option::Some(
                                &(&::traced_async::__private::bridge::Arg(&self))
                                    .__traced_async_value()
                                    as &dyn ::traced_async::__private::tracing::Value,
                            ),
                            ::core::option::Option::Some(
                                &(&::traced_async::__private::bridge::Arg(&req))
                                    .__traced_async_value()
                                    as &dyn ::traced_async::__private::tracing::Value,
                            ),
                        ])
                    },
                );
                {
                    ::traced_async::__private::enter_await(0);
                    let n = self.read(&req).await?;
                    Ok(n + body.len())
                }
            },
            |__traced_async_output| match __traced_async_output {
                ::core::result::Result::Ok(__traced_async_ok) => {
                    let _ = __traced_async_ok;
                }
                ::core::result::Result::Err(__traced_async_error) => {
                    :: traced_async :: __private :: tracing :: event ! (target : :: core :: module_path ! () , :: traced_async :: __private :: tracing :: Level :: ERROR , "error" = % __traced_async_error);
                }
            },
        ),
    );
    __traced_async_body.await
}
