# gzip.cmake — run by the build on the assembled web client (cmake -DDIR=... -P gzip.cmake):
# writes FILE.gz beside every text file, maximally compressed; the server sends it instead of
# FILE when the browser accepts gzip (server/net/net.c, gz_open). Not served itself: the build
# leaves this script out of the served folder.
file(GLOB_RECURSE texts "${DIR}/*.html" "${DIR}/*.js" "${DIR}/*.css" "${DIR}/*.json" "${DIR}/*.svg")
foreach(f IN LISTS texts)
  file(ARCHIVE_CREATE OUTPUT "${f}.gz" PATHS "${f}" FORMAT raw COMPRESSION GZip COMPRESSION_LEVEL 9)
endforeach()
