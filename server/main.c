/* main.c — the roundtable command line: the table of commands, --help and --version. Each
 * command lives in server/cli/ (options.c parses, usage.c says how); no consultation logic and
 * no protocol here: those live in server/core and server/wire. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "log.h"

#ifndef ROUNDTABLE_VERSION
#define ROUNDTABLE_VERSION "0.1.0"
#endif

/* Every command: its name on the command line, what runs it, and its --help text. */
static const struct command {
	const char *name;
	cli_command *run;
	const char *usage;
} commands[] = {
    {"serve", cli_serve, cli_usage_serve},
    {"demo", cli_demo, cli_usage_demo},
    {"new", cli_new, cli_usage_new},
    {"denylist", cli_denylist, cli_usage_denylist},
    {"seal", cli_seal, cli_usage_seal},
    {"links", cli_links, cli_usage_links},
    {"export", cli_export, cli_usage_export},
    {"backup", cli_backup, cli_usage_backup},
    {"programme", cli_programme, cli_usage_programme},
    {"invitations", cli_invitations, cli_usage_invitations},
    {"ics", cli_ics, cli_usage_ics},
    {"organiser-link", cli_organiser_link, cli_usage_organiser_link},
};

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(cli_usage_main, stderr);
		return 2;
	}
	const char *cmd = argv[1];
	/* Commands other than serve and demo print for a person; the log says only what went wrong
	 * underneath (a seal run here, without a server, goes through the hub). */
	rtlog_setup(RTLOG_WARN, RTLOG_TEXT, NULL);
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		fputs(cli_usage_main, stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version")) {
		printf("roundtable %s\n", ROUNDTABLE_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(cmd, commands[i].name))
			return commands[i].run(argc - 1, argv + 1, commands[i].usage);
	fprintf(stderr, "roundtable: unknown command '%s'\n\n%s", cmd, cli_usage_main);
	return 2;
}
