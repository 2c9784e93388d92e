/* report: the `habeas report KIND` subcommands (docs/report.md). Each takes argv
 * as a command does, argv[0] being the kind ("costs"), and returns the exit code
 * (0 ok, 1 findings of severity critical or high were reported, 2 bad input or
 * usage, 3 internal). */
#ifndef HB_CLI_REPORT_H
#define HB_CLI_REPORT_H
int report_costs(int argc, char **argv);
int report_occupancy(int argc, char **argv);
int report_findings(int argc, char **argv);
int report_profile(int argc, char **argv);
#endif
