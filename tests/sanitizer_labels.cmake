# Labels for the sanitizer runs (tools/dev sanitize).
#
# The ThreadSanitizer set: `tools/dev sanitize` runs `ctest -L tsan` in
# build-tsan/. ctest includes this file after the files gtest_discover_tests
# writes (TEST_INCLUDE_FILES), whose test_<exe>_TESTS lists name every test,
# and adds the label `tsan` to
#  - engine: the SPSC ring, the router, the control loop and its pacing,
#    shading, lease, adjustment and optimizer paths (threads that hand
#    leases, events and snapshots to each other);
#  - integration: every test that runs a real engine (shards, control
#    thread, event log writer, feeds). The one-shot CLIs are left out: they
#    are single-threaded, and train/score run libxgboost's OpenMP, which TSan
#    cannot see into.
#    The overload test is left out too: it asserts wall-clock latencies
#    (every decided answer within tmax, most polite requests decided), which
#    TSan's 5-15x slowdown breaks on a busy machine (CI: 1046 ms against
#    1000); its threads are the ones the other engine tests run under TSan,
#    and it runs, bounds and all, in the release and ASan suites.
set(tsan_engine "^(SpscRing|RouterTest|ControlLoopTest|ControlLoopLeaseStress|PacingControlLoop|ShadingControlLoop|Managed|ManagedAdjustments|OptimizerService)\\.")
set(not_tsan_integration "^(AnalystCli|TrainCli|ScoreCli|LogCli|NativeReplay|ShadingReplay|PacingReplay)\\.|^Overload/OverloadOnBackend\\.")

set(tsan_engine_tests "")
foreach(test IN LISTS test_engine_TESTS)
  if(test MATCHES "${tsan_engine}")
    list(APPEND tsan_engine_tests "${test}")
  endif()
endforeach()
set(tsan_integration_tests "")
foreach(test IN LISTS test_integration_TESTS)
  if(NOT test MATCHES "${not_tsan_integration}")
    list(APPEND tsan_integration_tests "${test}")
  endif()
endforeach()

if(tsan_engine_tests)
  set_tests_properties(${tsan_engine_tests} PROPERTIES LABELS "engine;tsan")
endif()
if(tsan_integration_tests)
  set_tests_properties(${tsan_integration_tests} PROPERTIES LABELS "integration;tsan")
endif()

# Left out of the sanitizer runs (`ctest -LE not_sanitized`): tests that
# repeat, for minutes under ASan, numerics a smaller test runs there too.
#  - MmmRecovery.TenChannelsFiveYearsDaily…: ten fits of 1826 days x 10
#    channels x 50 bootstrap draws (379 s alone under ASan, most of the
#    suite's time); MmmRecovery.ThreeChannelsTwoYearsDailyFit runs the same
#    daily-cadence fit on a small problem in every run.
set(not_sanitized "^MmmRecovery\\.TenChannelsFiveYearsDaily")
foreach(test IN LISTS test_models_TESTS)
  if(test MATCHES "${not_sanitized}")
    set_tests_properties("${test}" PROPERTIES LABELS "models;not_sanitized")
  endif()
endforeach()

# The overload test bounds the engine's RSS growth over a million requests
# (16 MB: 16 bytes kept per request would show). Under ASan freed memory
# sits in the quarantine (256 MB by default) before it is reused, which the
# bound would read as growth (18 MB measured): the engine this test starts
# gets a 4 MB quarantine, so that the bound still means what it says. A
# release build ignores the variable.
foreach(test IN LISTS test_integration_TESTS)
  if(test MATCHES "OverloadOnBackend\\.PipelinedFlood")
    set_tests_properties("${test}" PROPERTIES ENVIRONMENT_MODIFICATION "ASAN_OPTIONS=string_append::quarantine_size_mb=4")
  endif()
endforeach()
