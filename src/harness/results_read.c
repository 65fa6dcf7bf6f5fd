/* results_read.c - placeholder: the one reader of the results schema (issue 11) comes here. */
