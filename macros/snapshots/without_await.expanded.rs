// #[traced_async()]
// pub async fn worker (id : u32) -> JoinHandle < u32 > { println ! ("spawning {id}") ; spawn (id) }
//
// expands to:

pub async fn worker(id: u32) -> JoinHandle<u32> {
    static __TRACED_ASYNC_FN: ::traced_async::__private::FnMeta =
        ::traced_async::__private::FnMeta::new(
            "worker",
            ::core::module_path!(),
            ::core::file!(),
            ::core::line!(),
            &[],
            true,
        );
    #[allow(clippy::async_yields_async)]
    let __traced_async_body = ::traced_async::__private::traced::<JoinHandle<u32>, _, _>(
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
                let __traced_async_return: JoinHandle<u32> = loop {};
                return __traced_async_return;
            }
            if ::traced_async::__private::fields::wanted() {
                #[allow(unused_imports)]
                use ::traced_async::__private::fields::{DebugField as _, NotDebugField as _};
                ::traced_async::__private::fields::note(
                    &__TRACED_ASYNC_FN,
                    &["id"],
                    |__traced_async_with| {
                        __traced_async_with(&[
                            (&::traced_async::__private::fields::Arg(&id)).__traced_async_field()
                        ]);
                    },
                );
            }
            let id = id;
            {
                println!("spawning {id}");
                spawn(id)
            }
        },
    );
    ::traced_async::__private::complete_in_one_poll(__traced_async_body)
}
