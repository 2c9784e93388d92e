/* commands: one function per subcommand. argv[0] is the subcommand's name; options
 * may stand before or after arguments (getopt_long permutes). Each returns the
 * process exit code (0 ok, 1 rule violations, 2 bad input/usage, 3 internal). */
#ifndef HB_COMMANDS_H
#define HB_COMMANDS_H
int cmd_init(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_person(int argc, char **argv);
int cmd_facility(int argc, char **argv);
int cmd_transfer(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_locate(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_key(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_witness(int argc, char **argv);
#endif
