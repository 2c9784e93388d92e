/* cli: the `habeas` command. cli_main parses argv and runs one subcommand; it is
 * the only place that decides exit codes (0 ok, 1 rule violations, 2 bad input or
 * usage, 3 internal/storage error). */
#ifndef HB_CLI_H
#define HB_CLI_H
int cli_main(int argc, char **argv);
#endif
