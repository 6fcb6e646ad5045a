#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| expense_auth_fuzz::session(data));
