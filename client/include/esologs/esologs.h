/* libesologs: everything, in one include. */
#ifndef ESOLOGS_ESOLOGS_H
#define ESOLOGS_ESOLOGS_H

#include <esologs/client.h>
#include <esologs/events.h>
#include <esologs/export.h>
#include <esologs/operations.h>
#include <esologs/options.h>
#include <esologs/result.h>
#include <esologs/status.h>
#include <esologs/version.h>

#endif
