/*
 * fuzz_load.c — the experiment loader (controller/load.c) on arbitrary
 * bytes: as an experiment and as a checks file, with a -D define.  Every error must be reported, never a crash, a leak, or an
 * over-read; whatever loads must free cleanly.
 */
#include <jansson.h>
#include "expt.h"
#include "fuzz_util.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* expt_load_any is one of these two, chosen by the file's content */
	struct experiment *(*const loaders[])(const char *, json_t *, struct errlist *) = {
		expt_load, expt_load_checks,
	};
	const char *path = fuzz_write("experiment.yaml", data, size);
	json_t *defines = json_pack("{s:s}", "port", "4000");
	FILE *devnull = fopen("/dev/null", "w");

	for (size_t i = 0; i < sizeof loaders / sizeof loaders[0]; i++) {
		struct errlist errs = { NULL, 0 };
		struct experiment *x = loaders[i](path, defines, &errs);

		if (devnull != NULL)
			errlist_print(&errs, devnull);
		/* a file that loads has no errors; one that does not has at least one */
		if ((x == NULL) != (errs.n > 0))
			abort();
		errlist_free(&errs);
		expt_free(x);
	}
	if (devnull != NULL)
		fclose(devnull);
	json_decref(defines);
	return 0;
}
