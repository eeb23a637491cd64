"""Form widgets shared by the apps."""

from django import forms


class LanguageSelect(forms.Select):
    """A choice of languages, each named in its own language (« Nederlands », « Deutsch »):
    every option carries its `lang`, so that a screen reader on a French page reads
    « Nederlands » in Dutch."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value:
            option["attrs"]["lang"] = value
        return option
