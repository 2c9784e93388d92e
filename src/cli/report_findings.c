/* `habeas report findings`: not built yet (a placeholder while it is written). */
#include "cli/out.h"
#include "cli/report.h"

int report_findings(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    out_error("report findings: not built yet");
    return 3;
}
