/* `habeas report profile`: not built yet (a placeholder while it is written). */
#include "cli/out.h"
#include "cli/report.h"

int report_profile(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    out_error("report profile: not built yet");
    return 3;
}
