// #[traced_async()]
// fn get <'a > (&'a self) -> Pin < Box < dyn Future < Output = u32 > + Send + 'a >> { Box :: pin (async move { let __self = self ; let __ret : u32 = { fetch (__self . id) . await } ; __ret }) }
//
// expands to:

fn get<'a>(&'a self) -> Pin<Box<dyn Future<Output = u32> + Send + 'a>> {
    static __TRACED_ASYNC_FN: ::traced_async::__private::FnMeta =
        ::traced_async::__private::FnMeta::new(
            "get",
            ::core::module_path!(),
            ::core::file!(),
            ::core::line!(),
            &[::traced_async::__private::AwaitMeta::new(
                0,
                "0",
                ::core::line!(),
                ::core::column!(),
                "fetch(self.id)",
                ::traced_async::__private::AwaitKind::Await,
            )],
            true,
        );
    Box::pin(async move {
        ::traced_async::__private::note_owner(&__TRACED_ASYNC_FN, ::core::any::type_name::<Self>);
        ::traced_async::__private::traced::<_, _, _>(|| &__TRACED_ASYNC_FN, async move {
            let __self = self;
            if ::traced_async::__private::fields::wanted() {
                #[allow(unused_imports)]
                use ::traced_async::__private::fields::{DebugField as _, NotDebugField as _};
                ::traced_async::__private::fields::note(
                    &__TRACED_ASYNC_FN,
                    &["self"],
                    |__traced_async_with| {
                        __traced_async_with(&[
                            (&::traced_async::__private::fields::Arg(&self)).__traced_async_field()
                        ]);
                    },
                );
            }
            ::traced_async::__private::enter_await(0);
            let __ret: u32 = { fetch(__self.id).await };
            __ret
        })
        .await
    })
}
