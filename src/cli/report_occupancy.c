/* `habeas report occupancy`: not built yet (a placeholder while it is written). */
#include "cli/out.h"
#include "cli/report.h"

int report_occupancy(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    out_error("report occupancy: not built yet");
    return 3;
}
