/* Symbol visibility for libesomock: only what carries ESOMOCK_API is exported. */
#ifndef ESOMOCK_EXPORT_H
#define ESOMOCK_EXPORT_H

#if defined(ESOMOCK_BUILDING) && defined(__GNUC__)
#define ESOMOCK_API __attribute__((visibility("default")))
#else
#define ESOMOCK_API
#endif

#endif
