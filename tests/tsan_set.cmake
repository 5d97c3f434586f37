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
set(tsan_engine "^(SpscRing|RouterTest|ControlLoopTest|ControlLoopLeaseStress|PacingControlLoop|ShadingControlLoop|Managed|ManagedAdjustments|OptimizerService)\\.")
set(not_tsan_integration "^(AnalystCli|TrainCli|ScoreCli|LogCli|NativeReplay|ShadingReplay|PacingReplay)\\.")

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
