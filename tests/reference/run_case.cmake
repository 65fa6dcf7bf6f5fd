# Runs one reference test (see CMakeLists.txt in this directory):
#
#   cmake -DEXE=<rnnbench or rnnbench_f64> -DCOMPARE=<reference_compare>
#         -DCASE=<case_*.h5> -DWORKDIR=<dir> -DTOL=<tol> -P run_case.cmake
#
# Copies CASE to WORKDIR/in.h5, runs `EXE grad WORKDIR/in.h5 WORKDIR/out.h5`,
# then `COMPARE WORKDIR/out.h5 CASE TOL`; fails if either exits non-zero.

foreach(_var EXE COMPARE CASE WORKDIR TOL)
  if(NOT DEFINED ${_var} OR "${${_var}}" STREQUAL "")
    message(FATAL_ERROR "run_case.cmake: -D${_var}=... is required")
  endif()
endforeach()
if(NOT EXISTS "${CASE}")
  message(FATAL_ERROR "run_case.cmake: fixture '${CASE}' does not exist")
endif()

set(_in "${WORKDIR}/in.h5")
set(_out "${WORKDIR}/out.h5")
file(REMOVE_RECURSE "${WORKDIR}")
file(MAKE_DIRECTORY "${WORKDIR}")
configure_file("${CASE}" "${_in}" COPYONLY)

message("fixture: ${CASE}")
message("\$ ${EXE} grad ${_in} ${_out}")
execute_process(COMMAND "${EXE}" grad "${_in}" "${_out}"
                RESULT_VARIABLE _rc
                OUTPUT_VARIABLE _stdout
                ERROR_VARIABLE _stderr)
message("${_stdout}${_stderr}[exit status ${_rc}]")
if(NOT "${_rc}" STREQUAL "0")
  message(FATAL_ERROR "rnnbench grad failed (exit status ${_rc})")
endif()
if(NOT EXISTS "${_out}")
  message(FATAL_ERROR "rnnbench grad exited 0 but did not write ${_out}")
endif()

message("\$ ${COMPARE} ${_out} ${CASE} ${TOL}")
execute_process(COMMAND "${COMPARE}" "${_out}" "${CASE}" "${TOL}"
                RESULT_VARIABLE _rc
                OUTPUT_VARIABLE _stdout
                ERROR_VARIABLE _stderr)
message("${_stdout}${_stderr}[exit status ${_rc}]")
if(NOT "${_rc}" STREQUAL "0")
  message(FATAL_ERROR "comparison with the reference failed (exit status ${_rc})")
endif()
