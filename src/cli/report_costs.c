/* `habeas report costs`: not built yet (a placeholder while it is written). */
#include "cli/out.h"
#include "cli/report.h"

int report_costs(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    out_error("report costs: not built yet");
    return 3;
}
