# Runs one libFuzzer target for a bounded time over a fresh copy of its seed
# corpus, so that the source tree is never written and every run starts from
# the same seeds. The crash input of the last run lands in WORK_DIR/artifacts/.
# cmake -DFUZZER=… -DSEEDS="dir;dir" -DWORK_DIR=… -DSECONDS=… -P run_fuzzer.cmake
file(REMOVE_RECURSE ${WORK_DIR}/corpus ${WORK_DIR}/artifacts)
file(MAKE_DIRECTORY ${WORK_DIR}/corpus ${WORK_DIR}/artifacts)
foreach(dir ${SEEDS})
  file(GLOB seed_files ${dir}/*)
  file(COPY ${seed_files} DESTINATION ${WORK_DIR}/corpus)
endforeach()
execute_process(
  COMMAND ${FUZZER} -max_total_time=${SECONDS} -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
          -artifact_prefix=${WORK_DIR}/artifacts/ ${WORK_DIR}/corpus
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "${FUZZER} failed (${result}); the crashing input is in ${WORK_DIR}/artifacts/")
endif()
