<?php

namespace FerryExample\Greeter;

final class Greeter
{
    public function greet(string $name): string
    {
        return "Hello, {$name}, from a Ferry Composer repository!";
    }
}
