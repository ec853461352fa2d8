/* Linked into the ASan and UBSan build of torgate only (make stage-asan).
 * Run by an ordinary user, the binary carries file capabilities and is
 * AT_SECURE, so ASan ignores ASAN_OPTIONS; the options it needs are built
 * in instead. LeakSanitizer stops threads with ptrace, which a non-dumpable
 * process (torgate makes itself one) refuses: leaks are checked by the
 * unit tests under LSan and by valgrind instead. exitcode=99 tells an ASan
 * error from any status torgate itself uses. */
const char *__asan_default_options(void);
const char *__asan_default_options(void) { return "detect_leaks=0:exitcode=99"; }
