# embed_templates.cmake - turns the figure templates of plots/ into a C
# file, so that the rnnbench executable carries them and plots/ stays the
# one place a figure's style is defined.
#   cmake -DOUT=plot_templates.c -DDIR=plots -P embed_templates.cmake
file(GLOB TEMPLATES ${DIR}/*.gp)
list(SORT TEMPLATES)
set(body "/* Generated from the templates in plots/ by cmake/embed_templates.cmake: do not edit. */\n#include <stddef.h>\n#include <string.h>\n\n")
set(table "")
foreach(path IN LISTS TEMPLATES)
  get_filename_component(name ${path} NAME_WE)
  file(READ ${path} hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" bytes "${bytes}")
  # unsigned: bytes >= 0x80 (UTF-8 in the templates) do not fit a char
  string(APPEND body "static const unsigned char tpl_${name}[] = {\n${bytes}0x00};\n")
  string(APPEND table "    {\"${name}\", (const char *)tpl_${name}},\n")
endforeach()
string(APPEND body "\nstatic const struct { const char *name, *text; } templates[] = {\n${table}};\n\n")
string(APPEND body "const char *plot_template(const char *name)\n{\n    for (size_t i = 0; i < sizeof templates / sizeof templates[0]; i++)\n        if (strcmp(templates[i].name, name) == 0)\n            return templates[i].text;\n    return NULL;\n}\n")
file(WRITE ${OUT}.tmp "${body}")
file(RENAME ${OUT}.tmp ${OUT})
